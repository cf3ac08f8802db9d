//! Which IP addresses the server may connect to when it fetches a URL it was given, and a DNS resolver that enforces it at connect time.
//!
//! The URLs: tool calls, `spec_url`, the `fetch` template, proxied MCP servers. Enforced in the
//! resolver, a name cannot resolve to a checked address first and another one later. One policy
//! for every such fetch: a copy elsewhere falls behind.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Why an address is refused, or `None` when it may be used.
///
/// Metadata endpoints are refused even with `allow_private_network`: no API description
/// legitimately points at the cloud instance's credentials, while private networks do
/// host internal APIs.
pub fn blocked_reason(address: IpAddr, allow_private_network: bool) -> Option<&'static str> {
    if is_metadata(address) {
        return Some("cloud metadata address");
    }
    if allow_private_network {
        return None;
    }
    match address {
        IpAddr::V4(v4) => blocked_v4(v4),
        IpAddr::V6(v6) => blocked_v6(v6),
    }
}

fn is_metadata(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_metadata_v4(v4),
        IpAddr::V6(v6) => {
            // AWS instance metadata and EKS pod identity over IPv6.
            [
                Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254),
                Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0023),
            ]
            .contains(&v6)
                || embedded_v4(v6).is_some_and(is_metadata_v4)
        }
    }
}

fn is_metadata_v4(v4: Ipv4Addr) -> bool {
    // AWS/GCP/Azure/OpenStack, AWS ECS task credentials, EKS pod identity, Alibaba Cloud,
    // Oracle Cloud.
    [
        Ipv4Addr::new(169, 254, 169, 254),
        Ipv4Addr::new(169, 254, 170, 2),
        Ipv4Addr::new(169, 254, 170, 23),
        Ipv4Addr::new(100, 100, 100, 200),
        Ipv4Addr::new(192, 0, 0, 192),
    ]
    .contains(&v4)
}

fn blocked_v4(v4: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = v4.octets();
    Some(match (a, b, c) {
        _ if v4.is_unspecified() || a == 0 => "unspecified address",
        _ if v4.is_loopback() => "loopback address",
        _ if v4.is_private() => "private address",
        _ if v4.is_link_local() => "link-local address",
        (100, 64..=127, _) => "shared (CGNAT) address",
        _ if v4.is_broadcast() => "broadcast address",
        _ if v4.is_multicast() => "multicast address",
        (192, 0, 0) => "IETF protocol assignment",
        (198, 18..=19, _) => "benchmarking address",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation address",
        (240..=255, _, _) => "reserved address",
        _ => return None,
    })
}

fn blocked_v6(v6: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = embedded_v4(v6) {
        return blocked_v4(v4);
    }
    let [first, second, third, ..] = v6.segments();
    Some(match first {
        _ if v6.is_unspecified() => "unspecified address",
        _ if v6.is_loopback() => "loopback address",
        // NAT64 local-use prefix (RFC 8215): translated to IPv4 addresses of the operator's
        // choosing, with the IPv4 part placed per prefix length, so none is taken as public.
        0x0064 if second == 0xff9b && third == 0x0001 => "NAT64 local-use address",
        // Teredo tunnels to an IPv4 host whose address is obfuscated in the last 32 bits.
        0x2001 if second == 0x0000 => "Teredo tunnel address",
        0xfc00..=0xfdff => "unique local (private) address",
        0xfe80..=0xfebf => "link-local address",
        0xfec0..=0xfeff => "site-local address",
        0xff00..=0xffff => "multicast address",
        0x2001 if v6.segments()[1] == 0x0db8 => "documentation address",
        _ => return None,
    })
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible, NAT64
/// (`64:ff9b::/96`) or 6to4 (`2002::/16`) address; all reach the IPv4 host.
fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = v6.segments();
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    if segments[..6] == [0, 0, 0, 0, 0, 0] && !v6.is_loopback() && !v6.is_unspecified() {
        return Some(Ipv4Addr::new(
            (segments[6] >> 8) as u8,
            segments[6] as u8,
            (segments[7] >> 8) as u8,
            segments[7] as u8,
        ));
    }
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(Ipv4Addr::new(
            (segments[6] >> 8) as u8,
            segments[6] as u8,
            (segments[7] >> 8) as u8,
            segments[7] as u8,
        ));
    }
    if segments[0] == 0x2002 {
        return Some(Ipv4Addr::new(
            (segments[1] >> 8) as u8,
            segments[1] as u8,
            (segments[2] >> 8) as u8,
            segments[2] as u8,
        ));
    }
    None
}

/// Raised by [`GuardedResolver`]; found again in the error chain to report a refusal.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to a refused address ({reason})")]
pub struct BlockedAddress {
    pub host: String,
    pub reason: &'static str,
}

#[derive(Debug, thiserror::Error)]
#[error("could not resolve {host}")]
pub(crate) struct ResolveFailed {
    pub host: String,
}

/// Resolves with the system resolver and refuses the whole name when any of its addresses
/// is refused (a name that mixes public and private addresses is a rebinding attempt).
/// Give it to a `reqwest` client with `.no_proxy()` (a proxy resolves names itself) and
/// redirects off (each hop's IP literal must be checked with [`blocked_reason`]).
pub struct GuardedResolver {
    pub allow_private_network: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let allow_private_network = self.allow_private_network;
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = match tokio::net::lookup_host((host.clone(), 0)).await
            {
                Ok(addresses) => addresses.collect(),
                Err(_) => {
                    return Err(Box::new(ResolveFailed { host })
                        as Box<dyn std::error::Error + Send + Sync>);
                }
            };
            if addresses.is_empty() {
                return Err(
                    Box::new(ResolveFailed { host }) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            for address in &addresses {
                if let Some(reason) = blocked_reason(address.ip(), allow_private_network) {
                    return Err(Box::new(BlockedAddress { host, reason })
                        as Box<dyn std::error::Error + Send + Sync>);
                }
            }
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}
