"""The typer CLI: thin commands over the library functions (one module per command)."""
