"""Read models the pages need beyond the services' own, one module per area, each with a fixed number of
SQL statements whatever the number of rows."""
