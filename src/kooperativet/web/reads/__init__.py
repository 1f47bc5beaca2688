"""Read models the pages need beyond the services: one module per area, a fixed number of queries each."""
