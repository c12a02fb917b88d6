"""Groot2's side of BehaviorTree.CPP: live monitoring over ZeroMQ and FileLogger2 replay files."""
