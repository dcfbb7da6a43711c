using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Account;

public sealed class SignUpInput
{
    [Required(ErrorMessage = "Enter your organization's name.")]
    [StringLength(100, MinimumLength = 2, ErrorMessage = "The organization name must be 2 to 100 characters.")]
    [Display(Name = "Organization")]
    public string Organization { get; set; } = "";

    [Required(ErrorMessage = "Enter your name.")]
    [StringLength(100, ErrorMessage = "Your name must be at most 100 characters.")]
    [Display(Name = "Your name")]
    public string DisplayName { get; set; } = "";

    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(256)]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(128, MinimumLength = 12, ErrorMessage = "The password must be at least 12 characters.")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    [Compare(nameof(Password), ErrorMessage = "The two passwords do not match.")]
    [DataType(DataType.Password)]
    [Display(Name = "Confirm password")]
    public string ConfirmPassword { get; set; } = "";
}
