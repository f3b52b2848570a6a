namespace Unroll.Cli;

/// <summary>A mistake in what the user gave: printed as one line, exit code 2, nothing written.</summary>
internal sealed class UserError(string message) : Exception(message);
