"""Ways to look at a tree: text, graphs, and the live tick log."""
