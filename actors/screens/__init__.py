"""Every word a user can see: small functions of typed values returning `actors.replies` values.

One module per area. WhatsApp formatting (*bold*, _italic_), short lines for phones, one or two
emoji per screen, and never more than WhatsApp allows (3 buttons, titles of 20/24 characters,
10 list rows, 1024-character bodies), so the gateway's builders never have to cut meaning.
"""
