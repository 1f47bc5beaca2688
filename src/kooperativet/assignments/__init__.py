"""Commissions (uppdrag) that members register: client, work, period, fee lines and expenses."""
