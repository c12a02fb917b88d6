"""The web page: live monitoring of a running tree, replay of logged runs, and stage-1 teleop."""
