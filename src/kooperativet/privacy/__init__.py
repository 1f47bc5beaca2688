"""Personal data: what the cooperative holds about a member, as one document (quality.md R9)."""
