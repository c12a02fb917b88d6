"""What a pick is made of, independent of trees: grasp candidates and motion plans."""
