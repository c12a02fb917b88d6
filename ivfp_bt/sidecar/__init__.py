"""The sidecar: every pick attempt and node status change, stored beside the tree as it runs."""
