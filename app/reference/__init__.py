"""The legal reference model: instruments, provisions, rights crosswalk, forums, ratifications."""
