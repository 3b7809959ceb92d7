"""Stage 7: score a draft against the strategy: passages, areas, viljeriktningar, gaps."""
