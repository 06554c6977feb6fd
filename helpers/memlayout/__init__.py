"""memlayout: see and measure how NumPy arrays live in memory."""
