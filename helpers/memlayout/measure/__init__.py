"""The measuring layer: peak memory, page-cache residency and bandwidth of real code.

It builds on the model (to find an array's owner) and never on the drawing layer.
"""
