"""Referrals (verwijzingen): products, referrer types and organisations, the phasing table."""
