//! Which address a request comes from: the socket peer, or for a trusted proxy the right-most
//! untrusted hop of `X-Forwarded-For`.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// Decides the client address of one request.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpNet]) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |ip: IpAddr| trusted_proxies.iter().any(|net| net.contains(&ip));
    if !is_trusted(peer) {
        // Anyone else could write any X-Forwarded-For; it is ignored.
        return peer;
    }
    let mut client = peer;
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .collect::<Vec<_>>();
    // Walk from the hop nearest to us: each trusted proxy vouches for the one before it, and the
    // first address no trusted proxy owns is the client. An unreadable hop ends the walk, since
    // nothing to its left can be believed.
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop.trim()) else {
            break;
        };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    client
}

/// Whether `peer` is one of the trusted proxies, whose forwarding headers are believed.
pub fn is_trusted_proxy(peer: IpAddr, trusted_proxies: &[IpNet]) -> bool {
    let peer = canonical(peer);
    trusted_proxies.iter().any(|net| net.contains(&peer))
}

fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|addr| addr.ip()))
        .ok()
        .map(canonical)
}

/// IPv4 addresses reached over a dual-stack socket arrive as `::ffff:a.b.c.d`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        IpAddr::V4(_) => ip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(peer: &str, xff: &[&str], trusted: &[&str], expected: &str) {
        let mut headers = HeaderMap::new();
        for value in xff {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        let trusted = trusted
            .iter()
            .map(|net| net.parse().unwrap())
            .collect::<Vec<IpNet>>();
        let got = client_ip(peer.parse().unwrap(), &headers, &trusted);
        assert_eq!(
            got,
            expected.parse::<IpAddr>().unwrap(),
            "peer {peer} xff {xff:?}"
        );
    }

    #[test]
    fn trusted_proxy_rule() {
        // Untrusted peer: header ignored.
        check("203.0.113.9", &["1.1.1.1"], &["10.0.0.0/8"], "203.0.113.9");
        // Trusted peer: right-most untrusted hop wins, spoofed left entries ignored.
        check(
            "10.0.0.1",
            &["6.6.6.6, 1.2.3.4, 10.0.0.2"],
            &["10.0.0.0/8"],
            "1.2.3.4",
        );
        // Several header lines are one list.
        check(
            "10.0.0.1",
            &["6.6.6.6", "1.2.3.4"],
            &["10.0.0.0/8"],
            "1.2.3.4",
        );
        // Trusted peer without header: the peer.
        check("10.0.0.1", &[], &["10.0.0.0/8"], "10.0.0.1");
        // Garbage stops the walk at the last good hop.
        check(
            "10.0.0.1",
            &["1.2.3.4, garbage, 10.0.0.3"],
            &["10.0.0.0/8"],
            "10.0.0.3",
        );
        // Ports and mapped addresses.
        check(
            "::ffff:10.0.0.1",
            &["[2001:db8::1]:443"],
            &["10.0.0.0/8"],
            "2001:db8::1",
        );
        check("10.0.0.1", &["5.6.7.8:1234"], &["10.0.0.0/8"], "5.6.7.8");
    }
}
