"""The members decide: majorities, quorum, notice, proxies, tie-breaks and tallies.

Pure rules (``docs/governance.md``): no I/O, no clock; the caller passes dates, votes and seeds in.
The cooperative is an ideell förening ruled by its stadgar; the statute for ekonomiska föreningar,
lag (2018:672), is the model for every default here, and each cooperative keeps its own :class:`Rulebook`.

Voters, board members and candidates are identified by opaque strings (the caller's ids).

One module per part: ``terms``, ``rulebook``, ``procedure``, ``tally``, ``elections``.
"""
