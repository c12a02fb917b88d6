"""The learned models: the grasp policy and the IVFP classifier (transformers + torch), their
training objectives, and checkpoints. They know tensors and images, not trees or robots."""
