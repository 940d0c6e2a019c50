"""The files `capcheck init` writes (read as package data by capcheck.init; nothing here is imported)."""
