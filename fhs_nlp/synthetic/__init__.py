"""Generated test documents: the strategy's tables in many PDF and Word layouts."""
