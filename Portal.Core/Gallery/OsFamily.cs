namespace Portal.Core.Gallery;

public enum OsFamily
{
    Windows,
    Linux,
}
