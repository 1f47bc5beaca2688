"""Pure building blocks: money, periods and Swedish identifiers. No framework, no ORM, no clock."""
