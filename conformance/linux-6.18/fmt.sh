#!/bin/bash
# compact view of a capture txt: P = packetdrill peer (remote), K = kernel under test
cut -c1-250 "$@" | sed -E 's/192\.0\.2\.1\.[0-9]+ > 192\.168\.0\.2\.[0-9]+/P > K/; s/192\.168\.0\.2\.[0-9]+ > 192\.0\.2\.1\.[0-9]+/K > P/; s/IP //; s/ifb[0-9]  //; s/, length 0$//'
