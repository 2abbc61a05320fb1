using System.Management.Automation;

namespace FlowFramework.Commands
{
    /// <summary>One progress activity: a new record for every write (the host keeps each one as written).</summary>
    internal sealed class Activity
    {
        private readonly int _id;
        private readonly string _title;

        internal Activity(int id, string title)
        {
            _id = id;
            _title = title;
        }

        internal ProgressRecord Record(string status) => new ProgressRecord(_id, _title, status);

        internal ProgressRecord Completed() => new ProgressRecord(_id, _title, "Done") { RecordType = ProgressRecordType.Completed };
    }
}
