"""The paper's evaluation protocol in simulation: trials of picks, their metrics and reports."""
