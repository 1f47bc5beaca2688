"""HTTP conventions every router follows: problem details, pagination, money strings, auth dependencies."""
