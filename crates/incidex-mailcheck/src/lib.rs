//! Mail check: spoofed, Emotet-style and BEC mail.
