"""Read models the pages need and the services lack, one module per area; each reads with a fixed number of
SQL statements, whatever the number of rows."""
