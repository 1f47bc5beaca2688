"""The cooperative itself, its members' personal records and its clients."""
