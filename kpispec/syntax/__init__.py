"""Syntax stage: text -> AST with spans."""
