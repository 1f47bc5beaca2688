"""An append-only, hash-chained event log for governance (and later money) events (quality.md R6)."""
