"""Making the models from what the simulated robot does: demonstration collection, imitation,
classifier training and off-policy REINFORCE, each with progress and a summary. Training runs
trees through the evaluation's trial workers and reads their sidecar logs; it never reaches
into behaviours or the simulator."""
