"""Many drafts at once, in worker processes, with an overview (beside the stages)."""
