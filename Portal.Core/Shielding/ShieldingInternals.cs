using System.Runtime.CompilerServices;

// Tests forge "validly signed but otherwise corrupt" files to prove the later layers (AES-GCM, key protector
// commitments) catch what the signature would otherwise catch first.
[assembly: InternalsVisibleTo("Portal.Core.Tests")]
