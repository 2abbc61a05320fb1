using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace FlowFramework.Tests;

/// <summary>
/// A PowerShell host whose user answers every choice prompt (ShouldProcess's "Are you sure?") with the choice whose
/// label is <paramref name="answer"/> (as shown, without the '&amp;'), and records what it was asked.
/// </summary>
public sealed class AnsweringHost(string answer) : PSHost
{
    private readonly AnsweringUserInterface _ui = new(answer);

    public List<(string Caption, string Message)> Prompts => _ui.Prompts;

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override string Name => "AnsweringHost";
    public override PSHostUserInterface UI => _ui;
    public override Version Version => new(1, 0);
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }

    private sealed class AnsweringUserInterface(string answer) : PSHostUserInterface
    {
        public List<(string Caption, string Message)> Prompts { get; } = new();

        public override PSHostRawUserInterface? RawUI => null;

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            lock (Prompts) { Prompts.Add((caption, message)); }
            for (var i = 0; i < choices.Count; i++)
            {
                if (string.Equals(choices[i].Label.Replace("&", string.Empty), answer, StringComparison.Ordinal)) { return i; }
            }
            throw new InvalidOperationException($"no choice '{answer}' among {string.Join(", ", choices.Select(c => c.Label))}");
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
        public override string ReadLine() => throw new NotSupportedException();
        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();
        public override void Write(string value) { }
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { }
        public override void WriteDebugLine(string message) { }
        public override void WriteErrorLine(string value) { }
        public override void WriteLine(string value) { }
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteWarningLine(string message) { }
    }
}
