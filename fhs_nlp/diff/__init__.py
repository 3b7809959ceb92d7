"""Two versions of a plan compared: milestones moved, reworded, added, removed."""
