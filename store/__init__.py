"""The core: registers, rules and persistence that every transport calls."""
