"""Workflows that span business areas, above the areas they join.

A domain package imports only the domains below it (the layers in pyproject.toml). When a use case needs two
of them, its web edge lives here, not in the lower domain's router: the router hands over, the services of
each domain decide. ``commission_router`` is the commission's lifecycle as the API shows it (the assignment
with the member's SÄVA warnings from employments and what is left to invoice from invoices; approval employs
the member); ``clients_router`` shows a member the clients she works for, which the assignments say.
"""
