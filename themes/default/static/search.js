// Search as you type: filled in by the search feature.
