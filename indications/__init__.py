"""Indications (indicaties): running individual provisions and the jobs that watch them."""
