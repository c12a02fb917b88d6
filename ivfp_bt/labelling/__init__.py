"""Who labels a probed grasp: a simulated person who knows the truth, or a person at a terminal."""
