// Typing a number of questions or minutes chooses that way of measuring the interview.
document.querySelectorAll(".length-option").forEach((option) => {
  const radio = option.querySelector("input[type=radio]");
  const amount = option.querySelector(".amount input");
  if (radio && amount) amount.addEventListener("input", () => { radio.checked = true; });
});
