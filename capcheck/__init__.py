"""capcheck: catch catastrophic forgetting in fine-tuned language models."""
__version__ = "0.1.0"
