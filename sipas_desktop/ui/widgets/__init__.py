"""widgets of the GUI."""
