"""The pages, one module per area: each is a router that ``web.install`` mounts, imported nowhere else."""
