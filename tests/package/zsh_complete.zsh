# zsh -f tests/package/zsh_complete.zsh FPATH_DIR BIN_DIR 'LINE': prints what zsh's completion
# system makes of LINE followed by TAB, in an interactive zsh driven through zsh/zpty.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='>'; fpath=($1 \$fpath); autoload -U compinit; compinit -u; PATH=$2:\$PATH"
zpty -w -n z "$3"$'\t'
sleep 2
zpty -w -n z $'\n'
sleep 1
out=""
while zpty -r -t z chunk; do out+=$chunk; done
zpty -d z
print -r -- "$out"
