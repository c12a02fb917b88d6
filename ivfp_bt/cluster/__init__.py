"""Running trials on a cluster (Ray): what a trial needs from the driver, and the tasks."""
