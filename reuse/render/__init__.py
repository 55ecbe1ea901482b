"""Ways to show a `Result`: data formats, the terminal, and the HTML report."""
