"""The typed records that cross stage boundaries, and the FHS vocabulary they use."""
