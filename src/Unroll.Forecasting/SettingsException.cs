using Unroll.Data;

namespace Unroll.Forecasting;

/// <summary>
/// Settings that cannot work, alone or together (a hidden size of 0, a direct model asked for another horizon). The
/// message names each setting by its <see cref="Setting"/> (<c>ForecastSettings.HiddenSize</c>); a command line names
/// them by its flags with <see cref="MessageWith"/>.
/// </summary>
public sealed class SettingsException(string message, params Setting[] settings) : ArgumentException(message)
{
    /// <summary>The settings the message names.</summary>
    public IReadOnlyList<Setting> Settings { get; } = settings;

    /// <summary>The message with each of <see cref="Settings"/> named by <paramref name="name"/>.</summary>
    public string MessageWith(Func<Setting, string> name) => Setting.Rename(Message, Settings, name);
}
