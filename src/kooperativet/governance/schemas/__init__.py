"""What the governance API reads and writes, one module per use case: ``rulebooks``, ``board``, ``meetings``,
``votes``, ``results`` (a closed vote's result as shown), ``verification`` (a secret ballot's publication and
recount) and ``minutes``."""
