"""What only HTTP needs: auth, limits, guards, observability, errors, paging."""
